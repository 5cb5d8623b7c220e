# Infrastructure of the "dev" environment, read by infra/ (`tofu plan -var-file=../env/dev/terraform.tfvars`).
# Sized for env/dev/helm-values.yaml: Trino 1 coordinator (3 GiB) + 2 workers (5 GiB each), MinIO 50 GiB.
environment  = "dev"
cluster_name = "lakehouse-dev"
region       = "eu-west-1"
node_count   = 3
node_size    = "m6i.xlarge" # 4 vCPU, 16 GiB
disk_size_gb = 100
kubernetes_version = "1.30"
