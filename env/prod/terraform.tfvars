# Infrastructure of the "prod" environment, read by infra/.
# Sized for env/prod/helm-values.yaml: 10 Trino workers of 48 GiB need one 64 GiB node each.
environment  = "prod"
cluster_name = "lakehouse-prod"
region       = "eu-west-1"
node_count   = 12
node_size    = "m6i.4xlarge" # 16 vCPU, 64 GiB
disk_size_gb = 500
kubernetes_version = "1.30"
