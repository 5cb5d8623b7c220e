# The offline proof of an environment's terraform.tfvars, run by `lakehouse infra plan|apply`
# before infra/ itself and by tests/kubernetes/infra:
#
#   tofu -chdir=infra/checks init
#   tofu -chdir=infra/checks plan -var-file=../../env/<env>/terraform.tfvars
#
# variables.tf is a link to ../variables.tf, so the plan checks the tfvars against the same
# declarations and validation blocks as infra/, and computes the same derived settings
# (modules/settings) infra/ builds the cluster from. It proves nothing about the AWS resources
# themselves: see infra/README.md.

module "settings" {
  source = "../modules/settings"

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

variable "expected_environment" {
  description = "The folder under env/ the tfvars file was read from (`lakehouse infra` passes --env); null skips the comparison."
  type        = string
  default     = null
}

# Planned (never applied) so the plan shows the settings infra/ would build the cluster from.
resource "terraform_data" "settings" {
  input = {
    cluster                 = module.settings.cluster
    network                 = module.settings.network
    node_group              = module.settings.node_group
    iam_roles               = module.settings.iam_role_names
    tags                    = module.settings.tags
    api_public_access_cidrs = var.api_public_access_cidrs
  }

  lifecycle {
    precondition {
      condition     = var.expected_environment == null || var.environment == var.expected_environment
      error_message = "environment is \"${var.environment}\" in env/${coalesce(var.expected_environment, "-")}/terraform.tfvars: set it to \"${coalesce(var.expected_environment, "-")}\", the folder the file is in."
    }
  }
}
