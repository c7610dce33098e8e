/**
 * The scanner checks this project refers to, with their titles as the scanners publish them.
 *
 * A waiver or a rule may only name an id from this list, so a typo ("CKV_AWS_338" vs "CKV_AWS_388")
 * cannot waive nothing while looking official. Sources, read at the commits named:
 * - checkov (bridgecrewio/checkov 03d5fdad, 2026-08-20): checkov/terraform/checks/resource/aws/*.py
 *   and checkov/terraform/checks/graph_checks/aws/*.yaml.
 * - trivy (aquasecurity/trivy-checks 80e53822, 2026-08-21): checks/cloud/aws/<service>/*.rego
 *   (`custom.id` in the METADATA block).
 * Ids that start with `AAPI_` are this project's own rules (no scanner has them).
 */
export const KNOWN_CHECKS: Readonly<Record<string, string>> = {
  // checkov: API Gateway
  CKV_AWS_76: 'Ensure API Gateway has Access Logging enabled',
  CKV_AWS_309: 'Ensure API GatewayV2 routes specify an authorization type',
  CKV2_AWS_77: 'Ensure AWS API Gateway Rest API attached WAFv2 WebACL is configured with AMR for Log4j Vulnerability',
  // checkov: Step Functions
  CKV_AWS_284: 'Ensure State Machine has X-Ray tracing enabled',
  CKV_AWS_285: 'Ensure State Machine has execution history logging enabled',
  // checkov: Lambda
  CKV_AWS_50: 'X-Ray tracing is enabled for Lambda',
  CKV_AWS_363: 'Ensure Lambda Runtime is not deprecated',
  CKV_AWS_115: 'Ensure that AWS Lambda function is configured for function-level concurrent execution limit',
  CKV_AWS_116: 'Ensure that AWS Lambda function is configured for a Dead Letter Queue(DLQ)',
  CKV_AWS_117: 'Ensure that AWS Lambda function is configured inside a VPC',
  CKV_AWS_173: 'Check encryption settings for Lambda environmental variable',
  CKV_AWS_272: 'Ensure AWS Lambda function is configured to validate code-signing',
  CKV_AWS_364:
    'Ensure that AWS Lambda function permissions delegated to AWS services are limited by SourceArn or SourceAccount',
  // checkov: CloudWatch Logs
  CKV_AWS_66: 'Ensure that CloudWatch Log Group specifies retention days',
  CKV_AWS_338: 'Ensure CloudWatch log groups retains logs for at least 1 year',
  CKV_AWS_158: 'Ensure that CloudWatch Log Group is encrypted by KMS',
  // checkov: DynamoDB
  CKV_AWS_28: 'Ensure Dynamodb point in time recovery (backup) is enabled',
  CKV_AWS_119: 'Ensure DynamoDB Tables are encrypted using a KMS Customer Managed CMK',
  // checkov: IAM
  CKV_AWS_60: 'Ensure IAM role allows only specific services or principals to assume it',
  CKV_AWS_61: 'Ensure AWS IAM policy does not allow assume role permission across all services',
  CKV_AWS_62: 'Ensure IAM policies that allow full "*-*" administrative privileges are not created',
  CKV_AWS_63: 'Ensure no IAM policies documents allow "*" as a statement\'s actions',
  CKV_AWS_289: 'Ensure IAM policies does not allow permissions management / resource exposure without constraints',
  CKV_AWS_290: 'Ensure IAM policies does not allow write access without constraints',
  CKV_AWS_355: 'Ensure no IAM policies documents allow "*" as a statement\'s resource for restrictable actions',
  CKV_AWS_358: 'Ensure AWS GitHub Actions OIDC authorization policies only allow safe claims and claim order',
  // checkov: S3
  CKV_AWS_18: 'Ensure the S3 bucket has access logging enabled',
  CKV_AWS_19: 'Ensure all data stored in the S3 bucket is securely encrypted at rest',
  CKV_AWS_21: 'Ensure all data stored in the S3 bucket have versioning enabled',
  CKV_AWS_53: 'Ensure S3 bucket has block public ACLS enabled',
  CKV_AWS_54: 'Ensure S3 bucket has block public policy enabled',
  CKV_AWS_55: 'Ensure S3 bucket has ignore public ACLs enabled',
  CKV_AWS_56: "Ensure S3 bucket has 'restrict_public_buckets' enabled",
  CKV_AWS_144: 'Ensure that S3 bucket has cross-region replication enabled',
  CKV_AWS_145: 'Ensure that S3 buckets are encrypted with KMS by default',
  CKV2_AWS_6: 'Ensure that S3 bucket has a Public Access block',
  CKV2_AWS_61: 'Ensure that an S3 bucket has a lifecycle configuration',
  CKV2_AWS_62: 'Ensure S3 buckets should have event notifications enabled',
  // trivy
  'AWS-0001': 'API Gateway stages for V1 and V2 should have access logging enabled',
  'AWS-0017': 'CloudWatch log groups should be encrypted using CMK',
  'AWS-0025': 'DynamoDB tables should use at rest encryption with a Customer Managed Key',
  'AWS-0066': 'Lambda functions should have X-Ray tracing enabled',
  'AWS-0067': 'Ensure that lambda function permission has a source arn specified',
  'AWS-0086': 'S3 Access block should block public ACL',
  'AWS-0087': 'S3 Access block should block public policy',
  'AWS-0089': 'S3 Bucket Logging',
  'AWS-0090': 'S3 Data should be versioned',
  'AWS-0091': 'S3 Access Block should Ignore Public ACL',
  'AWS-0093': 'S3 Access block should restrict public bucket to limit access',
  'AWS-0132': 'S3 encryption should use Customer Managed Keys',
  'AWS-0342': 'IAM Pass Role Filtering',
};

/** Prefix of this project's own rule ids. */
export const OWN_RULE_PREFIX = 'AAPI_';

/** Whether `id` names a scanner check we know, or one of our own rules. */
export function isKnownCheck(id: string): boolean {
  return id in KNOWN_CHECKS || id.startsWith(OWN_RULE_PREFIX);
}
