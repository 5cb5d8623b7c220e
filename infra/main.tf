# The runbook's cloud cluster (runbook §Deployment, §Infrastructure Upgrade): an Amazon EKS
# cluster in its own VPC with one managed node group, sized by env/<env>/terraform.tfvars
# (region, node_count, node_size, disk_size_gb, kubernetes_version). The AWS resources are in
# network.tf, iam.tf and eks.tf; everything they derive from the variables comes from
# modules/settings, which infra/checks plans offline.

module "settings" {
  source = "./modules/settings"

  environment             = var.environment
  cluster_name            = var.cluster_name
  region                  = var.region
  kubernetes_version      = var.kubernetes_version
  node_count              = var.node_count
  node_size               = var.node_size
  disk_size_gb            = var.disk_size_gb
  vpc_cidr                = var.vpc_cidr
  availability_zone_count = var.availability_zone_count
  tags                    = var.tags
}

locals {
  network    = module.settings.network
  node_group = module.settings.node_group
}
