import type { AuditRule } from "./finding.js";
import { sgAllEgress } from "./rules/aws-all-egress.js";
import { dataSubnetInternetRoute } from "./rules/aws-data-subnet-route.js";
import { eksMissingEndpoints } from "./rules/aws-eks-missing-endpoints.js";
import { endpointMissingZones } from "./rules/aws-endpoint-az-coverage.js";
import { broadFirewallDomain } from "./rules/aws-firewall-broad-domain.js";
import { fullMeshPeering } from "./rules/aws-full-mesh-peering.js";
import { naclMissingReturn } from "./rules/aws-nacl-missing-return.js";
import { natWithoutGatewayEndpoint } from "./rules/aws-nat-without-gateway-endpoint.js";
import { overlappingCidrs } from "./rules/aws-overlapping-cidrs.js";
import { sgWithoutDescription } from "./rules/aws-sg-description.js";
import { sgRuleWithoutDescription } from "./rules/aws-sg-rule-description.js";
import { smallProductionVpc } from "./rules/aws-small-production-vpc.js";
import { unusedSecurityGroup } from "./rules/aws-unused-sg.js";
import { vpcWithoutFlowLogs } from "./rules/aws-vpc-flow-logs.js";
import { CERT_RULES } from "./rules/certificates.js";
import { CLOUD_RULES } from "./rules/cloud.js";
import { noDefaultDenyEgress, noDefaultDenyIngress } from "./rules/default-deny.js";
import { controllerReach, edgeWithoutTls, weakTlsVersion } from "./rules/edge.js";
import { lbWithoutWaf } from "./rules/edge-lb-without-waf.js";
import { egressToInternetAllPorts } from "./rules/egress-to-internet-all-ports.js";
import { egressWithoutDns } from "./rules/egress-without-dns.js";
import { halfOpenPath } from "./rules/half-open-path.js";
import { hostNetworkPods } from "./rules/host-network.js";
import { ingressFromAllNamespaces } from "./rules/ingress-from-all-namespaces.js";
import { MESH_RULES } from "./rules/mesh.js";
import { meshUnknownApiKind } from "./rules/mesh-api-kinds.js";
import { httpFieldsOnTcpPort } from "./rules/mesh-http-fields-on-tcp.js";
import { namedPortMissing } from "./rules/named-port-missing.js";
import { peerMatchesNothing } from "./rules/peer-matches-nothing.js";
import { policySelectsNothing } from "./rules/policy-selects-nothing.js";
import { shadowedRule } from "./rules/shadowed-rule.js";
import { auditModeVerification, imageByTag, unverifiedImages } from "./rules/supply-chain.js";
import { unselectedWorkload } from "./rules/unselected-workload.js";

/** Every audit rule, in id order. docs/rules.md is generated from this list (npm run docs:rules). */
export const RULES: readonly AuditRule[] = [
  noDefaultDenyIngress,
  noDefaultDenyEgress,
  unselectedWorkload,
  egressWithoutDns,
  halfOpenPath,
  policySelectsNothing,
  peerMatchesNothing,
  shadowedRule,
  ingressFromAllNamespaces,
  egressToInternetAllPorts,
  namedPortMissing,
  hostNetworkPods,
  edgeWithoutTls,
  weakTlsVersion,
  controllerReach,
  unverifiedImages,
  auditModeVerification,
  imageByTag,
  ...CERT_RULES,
  ...MESH_RULES,
  ...CLOUD_RULES,
  sgAllEgress,
  unusedSecurityGroup,
  dataSubnetInternetRoute,
  overlappingCidrs,
  fullMeshPeering,
  broadFirewallDomain,
  lbWithoutWaf,
  naclMissingReturn,
  natWithoutGatewayEndpoint,
  httpFieldsOnTcpPort,
  eksMissingEndpoints,
  sgWithoutDescription,
  smallProductionVpc,
  vpcWithoutFlowLogs,
  endpointMissingZones,
  sgRuleWithoutDescription,
  meshUnknownApiKind,
].sort((a, b) => a.id.localeCompare(b.id, "en", { numeric: true }));
