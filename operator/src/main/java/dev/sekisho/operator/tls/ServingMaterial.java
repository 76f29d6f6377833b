package dev.sekisho.operator.tls;

/**
 * What the scan API serves and what its clients should trust.
 *
 * @param serving the serving certificate chain and key
 * @param caBundle PEM certificates that verify {@code serving}, to publish for the Task's step;
 *     null when unknown (e.g. OpenShift's service CA, which OpenShift itself distributes)
 * @param source where it came from, for logs and messages (a Secret or a directory)
 */
public record ServingMaterial(PemKeyPair serving, String caBundle, String source) {}
