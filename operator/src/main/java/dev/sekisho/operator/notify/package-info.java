/**
 * ScanNotifier: messages to webhooks (CloudEvents), Slack-compatible webhooks and Jira when an
 * image in use changes verdict or gains findings; a bounded retrying queue per sink, and the state
 * each sink was last told kept in an annotation on the ScanResult so a restart does not resend.
 */
package dev.sekisho.operator.notify;
