# The inputs of infra/, set per environment by env/<env>/terraform.tfvars (the runbook's
# `-var-file=../env/<env>/terraform.tfvars`). Every rule that can be checked without the cloud is
# a validation block here, so a bad value fails `tofu plan` before anything is created.
#
# infra/checks/variables.tf is a link to this file: the offline check root proves each env's
# tfvars against these very declarations.

variable "environment" {
  description = "The environment this cluster serves: its folder under env/."
  type        = string
  nullable    = false

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be one of dev, staging, prod (the folder under env/ that holds this terraform.tfvars)."
  }
}

variable "cluster_name" {
  description = "Name of the EKS cluster; also prefixes its VPC, IAM roles and node group."
  type        = string
  nullable    = false

  validation {
    # EKS allows 100 characters, but the IAM role names "<cluster_name>-eks-cluster" and
    # "<cluster_name>-eks-nodes" must stay within IAM's 64.
    condition     = can(regex("^[A-Za-z][A-Za-z0-9-]{0,39}$", var.cluster_name))
    error_message = "cluster_name must start with a letter and hold only letters, digits and '-', at most 40 characters (e.g. \"lakehouse-dev\")."
  }
}

variable "region" {
  description = "AWS region of the cluster, e.g. eu-west-1."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", var.region))
    error_message = "region must be an AWS region code such as \"eu-west-1\" or \"us-east-2\"."
  }
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the control plane and the nodes, \"1.<minor>\" as EKS takes it."
  type        = string
  nullable    = false

  validation {
    # The charts declare kubeVersion >=1.28 and the runbook needs kubectl 1.28+.
    condition     = try(tonumber(regex("^1\\.([0-9]{2})$", var.kubernetes_version)[0]) >= 28, false)
    error_message = "kubernetes_version must be \"1.<minor>\" with minor 28 or newer (e.g. \"1.33\"): EKS takes no patch version, and the platform's charts need Kubernetes 1.28+."
  }
}

variable "node_count" {
  description = "Number of worker nodes in the cluster's managed node group."
  type        = number
  nullable    = false

  validation {
    # 450 is the most nodes one EKS managed node group may hold.
    condition     = var.node_count >= 1 && var.node_count <= 450 && floor(var.node_count) == var.node_count
    error_message = "node_count must be a whole number from 1 to 450 (an EKS managed node group's maximum)."
  }
}

variable "node_size" {
  description = "EC2 instance type of the worker nodes, e.g. m6i.xlarge."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9-]+$", var.node_size))
    error_message = "node_size must be an EC2 instance type such as \"m6i.xlarge\" (family, a dot, size)."
  }
}

variable "disk_size_gb" {
  description = "Root volume of each worker node, in GiB."
  type        = number
  nullable    = false
  default     = 100

  validation {
    # EKS-optimized AMIs need 20 GiB; an EBS gp3 volume holds at most 16 TiB.
    condition     = var.disk_size_gb >= 20 && var.disk_size_gb <= 16384 && floor(var.disk_size_gb) == var.disk_size_gb
    error_message = "disk_size_gb must be a whole number of GiB from 20 to 16384."
  }
}

variable "vpc_cidr" {
  description = "IPv4 range of the cluster's VPC; each subnet takes 1/16 of it."
  type        = string
  nullable    = false
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr)) && try(tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 20, false)
    error_message = "vpc_cidr must be an IPv4 CIDR block from /16 (AWS's largest VPC) to /20 (subnets of /24), e.g. \"10.0.0.0/16\"."
  }
}

variable "availability_zone_count" {
  description = "Availability zones the subnets (one public, one private in each) and nodes spread over."
  type        = number
  nullable    = false
  default     = 3

  validation {
    # EKS needs subnets in two zones at least; vpc_cidr is cut into 16 parts, 8 per subnet kind.
    condition     = var.availability_zone_count >= 2 && var.availability_zone_count <= 8 && floor(var.availability_zone_count) == var.availability_zone_count
    error_message = "availability_zone_count must be a whole number from 2 (EKS's minimum) to 8."
  }
}

variable "api_public_access_cidrs" {
  description = "IPv4 ranges allowed to reach the Kubernetes API's public endpoint."
  type        = list(string)
  nullable    = false
  default     = ["0.0.0.0/0"]

  validation {
    condition     = length(var.api_public_access_cidrs) > 0 && alltrue([for c in var.api_public_access_cidrs : can(cidrnetmask(c))])
    error_message = "api_public_access_cidrs must list at least one IPv4 CIDR block, e.g. [\"203.0.113.0/24\"]."
  }
}

variable "tags" {
  description = "Extra tags for every AWS resource, on top of Project, Environment, Cluster and ManagedBy."
  type        = map(string)
  nullable    = false
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.tags) : !startswith(lower(k), "aws:")])
    error_message = "tags must not use the reserved \"aws:\" prefix."
  }
}
