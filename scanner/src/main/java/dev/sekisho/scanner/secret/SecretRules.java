package dev.sekisho.scanner.secret;

import static dev.sekisho.api.v1alpha1.Severity.Critical;
import static dev.sekisho.api.v1alpha1.Severity.High;
import static dev.sekisho.api.v1alpha1.Severity.Medium;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The built-in secret rules. Patterns follow the token formats their issuers document (AWS, GitHub,
 * GitLab, Slack, Stripe, …) and the rule sets of gitleaks and Trivy; each rule has keywords so that
 * a file without any of them is never regex-scanned.
 */
public final class SecretRules {
  private SecretRules() {}

  /** Every built-in rule, in a stable order. */
  public static List<SecretRule> defaults() {
    return List.of(
        SecretRule.of(
                "private-key",
                "Private key",
                Critical,
                "-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----([\\s\\S]{64,20000}?)"
                    + "-----END[ A-Z0-9_-]{0,100}PRIVATE KEY",
                1,
                "private key")
            .spanningLines(),
        SecretRule.of(
                "aws-access-key-id",
                "AWS access key id",
                Critical,
                "\\b((?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})\\b",
                1,
                "akia",
                "asia",
                "abia",
                "acca",
                "a3t")
            .startingAtKeyword(),
        SecretRule.of(
                "aws-secret-access-key",
                "AWS secret access key",
                Critical,
                "(?i)aws[_.-]?(?:secret)?[_.-]?(?:access)?[_.-]?key[\"']?\\s*(?::|=|=>|:=)\\s*[\"']?"
                    + "([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
                1,
                "aws")
            .startingAtKeyword(),
        SecretRule.of(
            "gcp-service-account-key",
            "Google Cloud service account key",
            Critical,
            "\"private_key_id\"\\s*:\\s*\"([a-f0-9]{40})\"",
            1,
            "private_key_id"),
        SecretRule.of(
                "gcp-api-key",
                "Google API key",
                High,
                "\\b(AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])",
                1,
                "aiza")
            .startingAtKeyword(),
        SecretRule.of(
                "azure-storage-account-key",
                "Azure storage account key",
                Critical,
                "(?i)AccountKey\\s*=\\s*([A-Za-z0-9+/]{86}==)",
                1,
                "accountkey")
            .startingAtKeyword(),
        SecretRule.of(
                "github-pat",
                "GitHub personal access token",
                Critical,
                "\\b(ghp_[A-Za-z0-9]{36})\\b",
                1,
                "ghp_")
            .startingAtKeyword(),
        SecretRule.of(
                "github-fine-grained-pat",
                "GitHub fine-grained personal access token",
                Critical,
                "\\b(github_pat_[A-Za-z0-9_]{82})\\b",
                1,
                "github_pat_")
            .startingAtKeyword(),
        SecretRule.of(
                "github-oauth-token",
                "GitHub OAuth or app token",
                Critical,
                "\\b((?:gho|ghu|ghs|ghr)_[A-Za-z0-9]{36})\\b",
                1,
                "gho_",
                "ghu_",
                "ghs_",
                "ghr_")
            .startingAtKeyword(),
        SecretRule.of(
                "gitlab-pat",
                "GitLab personal access token",
                Critical,
                "\\b(glpat-[A-Za-z0-9_-]{20,})\\b",
                1,
                "glpat-")
            .startingAtKeyword(),
        SecretRule.of(
                "gitlab-token",
                "GitLab pipeline trigger, deploy or runner token",
                High,
                "\\b((?:glptt-[0-9a-f]{40}|gldt-[A-Za-z0-9_-]{20,}|glrt-[A-Za-z0-9_-]{20,}"
                    + "|GR1348941[A-Za-z0-9_-]{20,}))(?![A-Za-z0-9_-])",
                1,
                "glptt-",
                "gldt-",
                "glrt-",
                "gr1348941")
            .startingAtKeyword(),
        SecretRule.of(
                "bitbucket-app-password",
                "Bitbucket app password",
                Critical,
                "\\b(ATBB[A-Za-z0-9_=.-]{28,40})\\b",
                1,
                "atbb")
            .startingAtKeyword(),
        SecretRule.of(
                "slack-token",
                "Slack token",
                High,
                "\\b(xox[baprs]-[0-9A-Za-z]{10,48}(?:-[0-9A-Za-z]{6,48}){0,4})\\b",
                1,
                "xoxb-",
                "xoxa-",
                "xoxp-",
                "xoxr-",
                "xoxs-")
            .startingAtKeyword(),
        SecretRule.of(
            "slack-webhook-url",
            "Slack incoming webhook",
            High,
            "(https://hooks\\.slack\\.com/(?:services|workflows)/[A-Za-z0-9+/]{30,})",
            1,
            "hooks.slack.com"),
        SecretRule.of(
                "stripe-secret-key",
                "Stripe secret or restricted key",
                Critical,
                "\\b((?:sk|rk)_(?:live|test)_[0-9A-Za-z]{24,99})\\b",
                1,
                "sk_live_",
                "sk_test_",
                "rk_live_",
                "rk_test_")
            .startingAtKeyword(),
        // in files that mention Twilio, on any line: the key is often assigned apart from the
        // client (a constant, a config block), and "SK" + 32 hex alone is too common to look for
        SecretRule.of(
                "twilio-api-key", "Twilio API key", High, "\\b(SK[0-9a-fA-F]{32})\\b", 1, "twilio")
            .spanningLines(),
        SecretRule.of(
                "sendgrid-api-key",
                "SendGrid API key",
                High,
                "\\b(SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])",
                1,
                "sg.")
            .startingAtKeyword(),
        SecretRule.of(
                "npm-access-token",
                "npm access token",
                Critical,
                "\\b(npm_[A-Za-z0-9]{36})\\b",
                1,
                "npm_")
            .startingAtKeyword(),
        SecretRule.of(
                "npmrc-auth-token",
                "npm registry auth token in .npmrc",
                Critical,
                "_authToken\\s*=\\s*([^\\s$\"'{}]{16,})",
                1,
                "_authtoken")
            .startingAtKeyword(),
        SecretRule.of(
                "pypi-upload-token",
                "PyPI upload token",
                Critical,
                "\\b(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})",
                1,
                "pypi-ageichlwas5vcmc")
            .startingAtKeyword(),
        SecretRule.of(
                "anthropic-api-key",
                "Anthropic API key",
                Critical,
                "\\b(sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{93}AA)(?![A-Za-z0-9_-])",
                1,
                "sk-ant-")
            .startingAtKeyword(),
        SecretRule.of(
            "openai-api-key",
            "OpenAI API key",
            Critical,
            "\\b(sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_-]{20,74}T3BlbkFJ[A-Za-z0-9_-]{20,74})"
                + "(?![A-Za-z0-9_-])",
            1,
            "t3blbkfj"),
        SecretRule.of(
                "huggingface-token",
                "Hugging Face access token",
                High,
                "\\b(hf_[A-Za-z]{34})\\b",
                1,
                "hf_")
            .startingAtKeyword(),
        SecretRule.of(
                "digitalocean-token",
                "DigitalOcean personal access, OAuth or refresh token",
                Critical,
                "\\b(do[opr]_v1_[a-f0-9]{64})\\b",
                1,
                "dop_v1_",
                "doo_v1_",
                "dor_v1_")
            .startingAtKeyword(),
        SecretRule.of(
                "shopify-token",
                "Shopify access token or shared secret",
                High,
                "\\b(shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})\\b",
                1,
                "shpat_",
                "shpca_",
                "shppa_",
                "shpss_")
            .startingAtKeyword(),
        SecretRule.of(
                "age-secret-key",
                "age encryption secret key",
                Critical,
                "\\b(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\\b",
                1,
                "age-secret-key-1")
            .startingAtKeyword(),
        SecretRule.of(
                "jwt",
                "JSON Web Token",
                Medium,
                "\\b(eyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,})",
                1,
                "eyj")
            .startingAtKeyword(),
        SecretRule.of(
                "docker-config-auth",
                "Registry credentials in a Docker config",
                Critical,
                "\"auth\"\\s*:\\s*\"([A-Za-z0-9+/]{8,}={0,2})\"",
                1,
                "\"auths\"")
            .spanningLines(),
        new SecretRule(
            "generic-secret-assignment",
            "Secret assigned in a file",
            High,
            List.of(
                "password",
                "passwd",
                "secret",
                "token",
                "api_key",
                "apikey",
                "api-key",
                "access_key",
                "accesskey",
                "access-key"),
            // name, then an assignment (=, :, :=, =>), then a quoted value (group 2) or an unquoted
            // one running to the end of the line or the next blank (group 3: .env, properties,
            // YAML, INI); the value must then have the shape of a secret (ValueShape)
            Pattern.compile(
                "(?i)(?:password|passwd|secret|token|api[_-]?key|access[_-]?key)[A-Za-z0-9_-]{0,20}"
                    + "[\"']?\\s{0,5}(?::=|=>|=|:)\\s{0,5}"
                    + "(?:([\"'])([^\"'\\s]{8,100})\\1|([^\\s\"'`(){}\\[\\];,]{8,100})(?=\\s|$))"),
            2,
            true,
            false,
            true));
  }
}
