variable "vpc_cidr" {
  description = "The VPC's address space; every subnet is carved out of it with cidrsubnet()"
  type        = string
  default     = "10.0.0.0/16"
}

variable "azs" {
  type    = list(string)
  default = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
}

variable "db_port" {
  type    = number
  default = 5432
}

# The data subnets' NACL is stateless: replies from the database to the app tier leave on the client's ephemeral
# port and need their own outbound rule. broken.tfvars sets this to false to show the failure.
variable "data_return_rule" {
  type    = bool
  default = true
}

variable "egress_domains" {
  type    = list(string)
  default = [".stripe.com", "api.github.com"]
}
