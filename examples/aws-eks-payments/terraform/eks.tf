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

# The web ALB also sends HTTPS to the ingress controller's node port on the workers (instance targets through the
# node group's Auto Scaling group).
resource "aws_lb_target_group" "ingress_nodes" {
  name     = "ingress-nodes"
  port     = 30443
  protocol = "HTTPS"
  vpc_id   = aws_vpc.main.id
}

resource "aws_lb_listener" "web_https" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  protocol          = "HTTPS"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.ingress_nodes.arn
  }
}

resource "aws_autoscaling_attachment" "workers" {
  autoscaling_group_name = aws_eks_node_group.workers.resources[0].autoscaling_groups[0].name
  lb_target_group_arn    = aws_lb_target_group.ingress_nodes.arn
}

resource "aws_security_group_rule" "alb_to_nodes" {
  type              = "egress"
  security_group_id = aws_security_group.alb.id
  from_port         = 30443
  to_port           = 30443
  protocol          = "tcp"
  cidr_blocks       = [for s in aws_subnet.private : s.cidr_block]
}
