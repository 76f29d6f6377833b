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
import java.util.ArrayList;
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
 * (keys {@code ca.crt} and {@code ca.key}: the CA that signs; {@code tls.crt}, {@code tls.key}: the
 * serving certificate; during a CA renewal also {@code ca-next.crt}, {@code ca-next.key}: the CA
 * that signs next, and {@code ca-previous.crt}: replaced CAs not expired yet) so every replica
 * serves a certificate from the same CA and the CAs survive restarts: the published CA bundle stays
 * valid.
 *
 * <p>{@link #ensure()} creates the Secret when it is missing (a replica that loses the create race
 * reads the winner's), renews the CA as {@link CaRotation} describes, and renews the serving
 * certificate with the current CA when it expires within {@link #RENEW_BEFORE} (and a new one would
 * last longer: it never outlives its CA), does not chain to the CA, or lacks a host name the
 * operator needs. Writes use the Secret's resourceVersion, so two replicas never overwrite each
 * other: the one that loses re-reads the winner's Secret, and since the decisions depend only on
 * the Secret and the time, it then finds nothing left to do.
 */
public final class ManagedCertificates {
  private static final Logger LOG = LoggerFactory.getLogger(ManagedCertificates.class);

  public static final String CA_CRT = "ca.crt";
  public static final String CA_KEY = "ca.key";
  public static final String CA_NEXT_CRT = "ca-next.crt";
  public static final String CA_NEXT_KEY = "ca-next.key";
  public static final String CA_PREVIOUS_CRT = "ca-previous.crt";
  public static final String TLS_CRT = "tls.crt";
  public static final String TLS_KEY = "tls.key";

  static final String CA_NAME = "sekisho-scan-api-ca";
  static final Duration SERVING_VALIDITY = Duration.ofDays(365);
  static final Duration RENEW_BEFORE = Duration.ofDays(30);

  private final KubernetesClient client;
  private final String namespace;
  private final String secretName;
  private final List<String> hosts;
  private final CaPolicy policy;
  private final Clock clock;

  /**
   * @param hosts DNS names and IP addresses the serving certificate must name
   */
  public ManagedCertificates(
      KubernetesClient client,
      String namespace,
      String secretName,
      List<String> hosts,
      CaPolicy policy,
      Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.secretName = secretName;
    this.hosts = List.copyOf(hosts);
    this.policy = policy;
    this.clock = clock;
  }

  /** The current CA bundle and serving certificate, creating or renewing them as needed. */
  public ServingMaterial ensure() throws GeneralSecurityException {
    for (int attempt = 1; ; attempt++) {
      var secrets = client.secrets().inNamespace(namespace);
      Secret secret = secrets.withName(secretName).get();
      Instant now = clock.instant();
      try {
        if (secret == null) {
          CaRotation cas =
              new CaRotation(
                  CertificateIssuer.newAuthority(CA_NAME, now, policy.validity()), null, "");
          PemKeyPair serving =
              CertificateIssuer.issueServing(cas.current(), hosts, now, SERVING_VALIDITY);
          secrets.resource(secret(null, cas, serving)).create();
          LOG.info(
              "scan api CA and serving certificate issued secret={}/{} hosts={}",
              namespace,
              secretName,
              hosts);
          return new ServingMaterial(serving, cas.bundle(), describe());
        }
        Map<String, String> data = decode(secret);
        CaRotation stored = read(data);
        List<String> changes = new ArrayList<>();
        CaRotation cas = stored.advance(now, policy, CA_NAME, changes);
        PemKeyPair serving =
            data.containsKey(TLS_CRT) && data.containsKey(TLS_KEY)
                ? new PemKeyPair(data.get(TLS_CRT), data.get(TLS_KEY))
                : null;
        String why =
            serving == null ? "missing" : renewalReason(serving, cas.current(), hosts, now);
        if (why != null) {
          serving = CertificateIssuer.issueServing(cas.current(), hosts, now, SERVING_VALIDITY);
          changes.add("serving certificate renewed: " + why);
        }
        if (!changes.isEmpty()) {
          secrets.resource(secret(secret, cas, serving)).update();
          LOG.info(
              "scan api certificates renewed secret={} changes=\"{}\"",
              describe(),
              String.join("; ", changes));
        }
        return new ServingMaterial(serving, cas.bundle(), describe());
      } catch (KubernetesClientException e) {
        if ((e.getCode() == 409) && attempt < 5) {
          continue; // another replica created or renewed it first: use theirs
        }
        throw e;
      }
    }
  }

  /** The CAs stored in the Secret; fails naming the Secret when one is missing or half there. */
  private CaRotation read(Map<String, String> data) throws GeneralSecurityException {
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
    PemKeyPair next = null;
    if (data.containsKey(CA_NEXT_CRT) != data.containsKey(CA_NEXT_KEY)) {
      throw new GeneralSecurityException(
          "the Secret "
              + describe()
              + " has only one of "
              + CA_NEXT_CRT
              + " and "
              + CA_NEXT_KEY
              + "; remove both to let the operator issue the next CA again");
    } else if (data.containsKey(CA_NEXT_CRT)) {
      next = new PemKeyPair(data.get(CA_NEXT_CRT), data.get(CA_NEXT_KEY));
    }
    CaRotation cas = new CaRotation(new PemKeyPair(caCrt, caKey), next, data.get(CA_PREVIOUS_CRT));
    try {
      cas.current().certificate();
      if (next != null) {
        next.certificate();
      }
      PemKeyPair.certificates(cas.previous());
    } catch (GeneralSecurityException e) {
      throw new GeneralSecurityException(
          "the Secret " + describe() + " holds an unreadable CA certificate: " + e.getMessage(), e);
    }
    return cas;
  }

  private String describe() {
    return namespace + "/" + secretName;
  }

  /**
   * Why {@code serving} must be renewed: it expires within {@link #RENEW_BEFORE} and a new one
   * would last longer (it cannot outlive {@code ca}), is not signed by {@code ca}, or does not name
   * every host; null when it is good.
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
    Instant notAfter = cert.getNotAfter().toInstant();
    if (notAfter.isBefore(now.plus(RENEW_BEFORE))
        && notAfter.isBefore(ca.certificate().getNotAfter().toInstant())) {
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

  private Secret secret(Secret existing, CaRotation cas, PemKeyPair serving) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(CA_CRT, b64(cas.current().certificatePem()));
    data.put(CA_KEY, b64(cas.current().privateKeyPem()));
    if (cas.next() != null) {
      data.put(CA_NEXT_CRT, b64(cas.next().certificatePem()));
      data.put(CA_NEXT_KEY, b64(cas.next().privateKeyPem()));
    }
    if (!cas.previous().isEmpty()) {
      data.put(CA_PREVIOUS_CRT, b64(cas.previous()));
    }
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
