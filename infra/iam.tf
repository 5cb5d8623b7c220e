# IAM roles of the control plane and the nodes, with AWS's managed policies for EKS.

data "aws_partition" "current" {}

locals {
  managed_policy = "arn:${data.aws_partition.current.partition}:iam::aws:policy"
}

data "aws_iam_policy_document" "assume_eks" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]

    principals {
      type        = "Service"
      identifiers = ["eks.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "assume_ec2" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "cluster" {
  name               = module.settings.iam_role_names.cluster
  assume_role_policy = data.aws_iam_policy_document.assume_eks.json
}

resource "aws_iam_role_policy_attachment" "cluster" {
  role       = aws_iam_role.cluster.name
  policy_arn = "${local.managed_policy}/AmazonEKSClusterPolicy"
}

resource "aws_iam_role" "nodes" {
  name               = module.settings.iam_role_names.nodes
  assume_role_policy = data.aws_iam_policy_document.assume_ec2.json
}

resource "aws_iam_role_policy_attachment" "nodes" {
  # The EBS CSI driver runs with the nodes' role, so the platform's volumes (MinIO, Prometheus,
  # the catalog's database) can be provisioned. EKS Pod Identity would scope it to the driver's
  # service account instead, at the cost of one more add-on and association.
  for_each = toset([
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly",
    "service-role/AmazonEBSCSIDriverPolicy",
  ])

  role       = aws_iam_role.nodes.name
  policy_arn = "${local.managed_policy}/${each.key}"
}
