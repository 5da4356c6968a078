# The payments cluster: control plane and a managed node group in the private subnets. Without a launch template
# the nodes carry the cluster security group EKS creates (not in these files).
resource "aws_eks_cluster" "payments" {
  name     = "payments"
  role_arn = "arn:aws:iam::123456789012:role/eks-cluster"
  vpc_config {
    subnet_ids = aws_subnet.private[*].id
  }
}

resource "aws_eks_node_group" "workers" {
  cluster_name    = aws_eks_cluster.payments.name
  node_group_name = "workers"
  node_role_arn   = "arn:aws:iam::123456789012:role/eks-node"
  subnet_ids      = aws_subnet.private[*].id
  scaling_config {
    desired_size = 3
    max_size     = 6
    min_size     = 3
  }
  tags = { Name = "workers", Tier = "eks" }
}
