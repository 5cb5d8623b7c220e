# Infrastructure of the "staging" environment, read by infra/.
# Sized for env/staging/helm-values.yaml: 3 Trino workers of 16 GiB, MinIO 200 GiB.
environment  = "staging"
cluster_name = "lakehouse-staging"
region       = "eu-west-1"
node_count   = 4
node_size    = "m6i.2xlarge" # 8 vCPU, 32 GiB
disk_size_gb = 200
kubernetes_version = "1.30"
