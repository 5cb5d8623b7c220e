# The EKS control plane, its managed node group and the EBS CSI driver the platform's
# PersistentVolumeClaims need.

resource "aws_eks_cluster" "this" {
  name     = var.cluster_name
  version  = var.kubernetes_version
  role_arn = aws_iam_role.cluster.arn

  vpc_config {
    subnet_ids              = concat(aws_subnet.private[*].id, aws_subnet.public[*].id)
    endpoint_private_access = true
    endpoint_public_access  = true
    public_access_cidrs     = var.api_public_access_cidrs
  }

  # Access through EKS access entries; whoever runs `tofu apply` becomes cluster admin.
  access_config {
    authentication_mode                         = "API"
    bootstrap_cluster_creator_admin_permissions = true
  }

  enabled_cluster_log_types = ["api", "audit", "authenticator"]

  depends_on = [aws_iam_role_policy_attachment.cluster]
}

resource "aws_eks_node_group" "this" {
  cluster_name    = aws_eks_cluster.this.name
  node_group_name = local.node_group.name
  node_role_arn   = aws_iam_role.nodes.arn
  subnet_ids      = aws_subnet.private[*].id
  version         = var.kubernetes_version

  instance_types = local.node_group.instance_types
  ami_type       = local.node_group.ami_type
  disk_size      = local.node_group.disk_size_gb
  labels         = local.node_group.labels

  scaling_config {
    desired_size = local.node_group.desired_size
    min_size     = local.node_group.min_size
    max_size     = local.node_group.max_size
  }

  # A Kubernetes upgrade replaces one node at a time, so the platform's PodDisruptionBudgets
  # hold (runbook §Infrastructure Upgrade).
  update_config {
    max_unavailable = 1
  }

  depends_on = [aws_iam_role_policy_attachment.nodes]
}

resource "aws_eks_addon" "ebs_csi" {
  cluster_name = aws_eks_cluster.this.name
  addon_name   = "aws-ebs-csi-driver"

  # EKS 1.30+ clusters no longer mark a StorageClass as default; the driver's own (gp3) becomes
  # the default, so claims without a storageClass bind.
  configuration_values = jsonencode({
    defaultStorageClass = { enabled = true }
  })

  depends_on = [aws_eks_node_group.this]
}
