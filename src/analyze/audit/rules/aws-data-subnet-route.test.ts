import { describe, expect, it } from "vitest";
import { auditTerraform, VPC } from "./audit-terraform.js";

const tf = (name: string, target: "igw" | "nat" | "none") => `${VPC}
resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
}
resource "aws_subnet" "public" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.0.0/24"
}
resource "aws_eip" "nat" {
  domain = "vpc"
}
resource "aws_nat_gateway" "nat" {
  subnet_id     = aws_subnet.public.id
  allocation_id = aws_eip.nat.id
}
resource "aws_subnet" "${name}" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.2.0/24"
}
resource "aws_route_table" "rt" {
  vpc_id = aws_vpc.main.id
${
  target === "none"
    ? ""
    : `  route {
    cidr_block = "0.0.0.0/0"
    ${target === "igw" ? "gateway_id = aws_internet_gateway.igw.id" : "nat_gateway_id = aws_nat_gateway.nat.id"}
  }
`
}}
resource "aws_route_table_association" "rt" {
  subnet_id      = aws_subnet.${name}.id
  route_table_id = aws_route_table.rt.id
}
`;

describe("WARD-AWS-006 data subnet with a route to an internet or NAT gateway", () => {
  it("reports a db subnet routed to a NAT gateway and a data subnet routed to the internet gateway", async () => {
    const nat = await auditTerraform(tf("private_db", "nat"), "WARD-AWS-006");
    expect(nat.map((f) => f.message)).toEqual([expect.stringMatching(/private_db .*0\.0\.0\.0\/0 to nat-gateway/)]);
    const igw = await auditTerraform(tf("data", "igw"), "WARD-AWS-006");
    expect(igw[0]?.message).toContain("internet-gateway");
  });
  it("is quiet for an app subnet with a NAT route and a data subnet with only the local route", async () => {
    expect(await auditTerraform(tf("app", "nat"), "WARD-AWS-006")).toEqual([]);
    expect(await auditTerraform(tf("data", "none"), "WARD-AWS-006")).toEqual([]);
    // "data" must be a word of the name: metadata_proxy is not a data subnet, data_1 and database_a are.
    expect(await auditTerraform(tf("metadata_proxy", "nat"), "WARD-AWS-006")).toEqual([]);
    expect(await auditTerraform(tf("database_a", "nat"), "WARD-AWS-006")).toHaveLength(1);
  });
});
