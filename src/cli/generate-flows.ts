export async function generateFromFlowsCommand(_p: string[], _o: unknown): Promise<number> {
  return 3;
}
