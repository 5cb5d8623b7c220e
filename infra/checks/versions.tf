terraform {
  # No required_providers: this root uses only the built-in terraform_data, so init, validate and
  # plan run with no provider to download.
  required_version = ">= 1.6.0"
}
