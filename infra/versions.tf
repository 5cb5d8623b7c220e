terraform {
  # OpenTofu (what `lakehouse infra` runs, built by src/targets/kubernetes/tools) or Terraform
  # 1.6+: nothing here is specific to either.
  required_version = ">= 1.6.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # access_config on aws_eks_cluster needs 5.33; 7.x may change the resources used here.
      version = ">= 5.40, < 7.0"
    }
  }

  # State: the local backend, one workspace per environment (`lakehouse infra` selects the
  # workspace named after --env). A team shares state through a remote backend instead, e.g.
  # backend "s3" { bucket = "...", key = "lakehouse/infra.tfstate", region = "...", use_lockfile = true }
  # (its workspaces live under env:/<env>/), set with `tofu init -backend-config=...`.
}

provider "aws" {
  region = var.region

  default_tags {
    tags = module.settings.tags
  }
}
