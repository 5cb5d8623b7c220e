# Everything infra/ derives from an environment's variables, with no provider and no I/O: names,
# tags, subnet ranges, the node group's shape. infra/ builds the cluster from these outputs, and
# infra/checks plans them offline, so each env's derived values are proven without the cloud.
# The inputs arrive validated (infra/variables.tf).

variable "environment" {
  type = string
}

variable "cluster_name" {
  type = string
}

variable "region" {
  type = string
}

variable "kubernetes_version" {
  type = string
}

variable "node_count" {
  type = number
}

variable "node_size" {
  type = string
}

variable "disk_size_gb" {
  type = number
}

variable "vpc_cidr" {
  type = string
}

variable "availability_zone_count" {
  type = number
}

variable "tags" {
  type = map(string)
}

locals {
  # Graviton (arm64) families carry a "g" after the generation: m6g, c7gn, r8gd, t4g, x2gd.
  arm64 = can(regex("^[a-z]+[0-9]+[a-z]*g[a-z-]*\\.", var.node_size))

  zones = range(var.availability_zone_count)
}

output "cluster" {
  description = "The EKS cluster: name, Kubernetes version, region, environment."
  value = {
    name               = var.cluster_name
    kubernetes_version = var.kubernetes_version
    region             = var.region
    environment        = var.environment
  }
}

output "tags" {
  description = "Tags of every AWS resource (the provider's default_tags)."
  value = merge(var.tags, {
    Project     = "lakehouse"
    Environment = var.environment
    Cluster     = var.cluster_name
    ManagedBy   = "opentofu"
  })
}

output "iam_role_names" {
  description = "Names of the cluster's and the nodes' IAM roles (IAM allows 64 characters)."
  value = {
    cluster = "${var.cluster_name}-eks-cluster"
    nodes   = "${var.cluster_name}-eks-nodes"
  }
}

output "network" {
  description = "The VPC's range and one public and one private subnet per availability zone, each 1/16 of the VPC: public from the first half, private from the second."
  value = {
    vpc_cidr             = var.vpc_cidr
    zone_count           = var.availability_zone_count
    public_subnet_cidrs  = [for i in local.zones : cidrsubnet(var.vpc_cidr, 4, i)]
    private_subnet_cidrs = [for i in local.zones : cidrsubnet(var.vpc_cidr, 4, i + 8)]
  }
}

output "node_group" {
  description = "The managed node group: a fixed size of node_count nodes of one instance type, replaced one node at a time."
  value = {
    name           = "${var.cluster_name}-nodes"
    instance_types = [var.node_size]
    ami_type       = local.arm64 ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD"
    disk_size_gb   = var.disk_size_gb
    desired_size   = var.node_count
    min_size       = var.node_count
    max_size       = var.node_count
    labels = {
      "lakehouse.io/environment" = var.environment
    }
  }
}
