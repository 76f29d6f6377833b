/**
 * TLS of the scan API: a certificate mounted from a Secret that OpenShift's service CA or
 * cert-manager issues, or the operator's own CA and serving certificate kept in a Secret ({@link
 * dev.sekisho.operator.tls.ManagedCertificates}); renewed certificates are served without a restart
 * ({@link dev.sekisho.operator.tls.ReloadingKeyManager}); the CA bundle is published in a ConfigMap
 * the scan-image Task mounts ({@link dev.sekisho.operator.tls.CaBundlePublisher}).
 */
package dev.sekisho.operator.tls;
