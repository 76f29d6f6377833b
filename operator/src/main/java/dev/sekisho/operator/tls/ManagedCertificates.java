package dev.sekisho.operator.tls;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scan API's own CA and serving certificate, kept in one Secret in the operator's namespace
 * (keys {@code ca.crt}, {@code ca.key}, {@code tls.crt}, {@code tls.key}) so every replica serves a
 * certificate from the same CA and the CA survives restarts: the published CA bundle stays valid.
 *
 * <p>{@link #ensure()} creates the Secret when it is missing (a replica that loses the create race
 * reads the winner's), and renews the serving certificate with the same CA when it expires within
 * {@link #RENEW_BEFORE}, does not chain to the CA, or lacks a host name the operator needs. Writes
 * use the Secret's resourceVersion, so two replicas never overwrite each other.
 */
public final class ManagedCertificates {
  private static final Logger LOG = LoggerFactory.getLogger(ManagedCertificates.class);

  public static final String CA_CRT = "ca.crt";
  public static final String CA_KEY = "ca.key";
  public static final String TLS_CRT = "tls.crt";
  public static final String TLS_KEY = "tls.key";

  static final Duration CA_VALIDITY = Duration.ofDays(3650);
  static final Duration SERVING_VALIDITY = Duration.ofDays(365);
  static final Duration RENEW_BEFORE = Duration.ofDays(30);

  private final KubernetesClient client;
  private final String namespace;
  private final String secretName;
  private final List<String> hosts;
  private final Clock clock;

  /**
   * @param hosts DNS names and IP addresses the serving certificate must name
   */
  public ManagedCertificates(
      KubernetesClient client,
      String namespace,
      String secretName,
      List<String> hosts,
      Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.secretName = secretName;
    this.hosts = List.copyOf(hosts);
    this.clock = clock;
  }

  /** The current CA and serving certificate, creating or renewing them as needed. */
  public ServingMaterial ensure() throws GeneralSecurityException {
    for (int attempt = 1; ; attempt++) {
      var secrets = client.secrets().inNamespace(namespace);
      Secret secret = secrets.withName(secretName).get();
      Instant now = clock.instant();
      try {
        if (secret == null) {
          PemKeyPair ca = CertificateIssuer.newAuthority("sekisho-scan-api-ca", now, CA_VALIDITY);
          PemKeyPair serving = CertificateIssuer.issueServing(ca, hosts, now, SERVING_VALIDITY);
          secrets.resource(secret(null, ca, serving)).create();
          LOG.info(
              "scan api CA and serving certificate issued secret={}/{} hosts={}",
              namespace,
              secretName,
              hosts);
          return new ServingMaterial(serving, ca.certificatePem(), describe());
        }
        Map<String, String> data = decode(secret);
        String caCrt = data.get(CA_CRT);
        String caKey = data.get(CA_KEY);
        if (caCrt == null || caKey == null) {
          throw new GeneralSecurityException(
              "the Secret "
                  + describe()
                  + " has no "
                  + CA_CRT
                  + " and "
                  + CA_KEY
                  + "; delete it to let the operator issue a new CA");
        }
        PemKeyPair ca = new PemKeyPair(caCrt, caKey);
        PemKeyPair serving =
            data.containsKey(TLS_CRT) && data.containsKey(TLS_KEY)
                ? new PemKeyPair(data.get(TLS_CRT), data.get(TLS_KEY))
                : null;
        String why = serving == null ? "missing" : renewalReason(serving, ca, hosts, now);
        if (why == null) {
          return new ServingMaterial(serving, caCrt, describe());
        }
        PemKeyPair renewed = CertificateIssuer.issueServing(ca, hosts, now, SERVING_VALIDITY);
        secrets.resource(secret(secret, ca, renewed)).update();
        LOG.info("scan api serving certificate renewed secret={} reason=\"{}\"", describe(), why);
        return new ServingMaterial(renewed, caCrt, describe());
      } catch (KubernetesClientException e) {
        if ((e.getCode() == 409) && attempt < 5) {
          continue; // another replica created or renewed it first: use theirs
        }
        throw e;
      }
    }
  }

  private String describe() {
    return namespace + "/" + secretName;
  }

  /**
   * Why {@code serving} must be renewed: it expires within {@link #RENEW_BEFORE}, is not signed by
   * {@code ca}, or does not name every host; null when it is good.
   */
  static String renewalReason(PemKeyPair serving, PemKeyPair ca, List<String> hosts, Instant now)
      throws GeneralSecurityException {
    X509Certificate cert;
    try {
      cert = serving.certificate();
      serving.privateKey();
    } catch (GeneralSecurityException e) {
      return "unreadable: " + e.getMessage();
    }
    if (cert.getNotAfter().toInstant().isBefore(now.plus(RENEW_BEFORE))) {
      return "expires " + cert.getNotAfter().toInstant();
    }
    try {
      cert.verify(ca.certificate().getPublicKey());
    } catch (GeneralSecurityException e) {
      return "not signed by the CA";
    }
    Set<String> named = new HashSet<>();
    try {
      if (cert.getSubjectAlternativeNames() != null) {
        cert.getSubjectAlternativeNames().forEach(n -> named.add(String.valueOf(n.get(1))));
      }
    } catch (CertificateParsingException e) {
      return "unreadable subject alternative names";
    }
    for (String h : hosts) {
      if (!named.contains(h)) {
        return "does not name " + h;
      }
    }
    return null;
  }

  private Secret secret(Secret existing, PemKeyPair ca, PemKeyPair serving) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(CA_CRT, b64(ca.certificatePem()));
    data.put(CA_KEY, b64(ca.privateKeyPem()));
    data.put(TLS_CRT, b64(serving.certificatePem()));
    data.put(TLS_KEY, b64(serving.privateKeyPem()));
    SecretBuilder b =
        existing == null
            ? new SecretBuilder()
                .withNewMetadata()
                .withName(secretName)
                .withNamespace(namespace)
                .addToLabels("app.kubernetes.io/name", "sekisho-operator")
                .addToLabels("app.kubernetes.io/component", "scan-api-certificates")
                .addToLabels("app.kubernetes.io/managed-by", "sekisho-operator")
                .endMetadata()
                .withType("Opaque")
            : new SecretBuilder(existing);
    return b.withData(data).withStringData(null).build();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.US_ASCII));
  }

  private static Map<String, String> decode(Secret s) {
    Map<String, String> out = new LinkedHashMap<>();
    if (s.getData() != null) {
      s.getData()
          .forEach(
              (k, v) ->
                  out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.US_ASCII)));
    }
    return out;
  }
}
