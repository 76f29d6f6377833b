package dev.sekisho.operator.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Issues the scan API's own certificate authority and the serving certificates it signs, the way
 * operators without cert-manager do it (kube-webhook-certgen, open-policy-agent/cert-controller):
 * an ECDSA P-256 CA valid for ten years, and short-lived serving certificates for the Service's DNS
 * names. Bouncy Castle builds the certificates (the JDK has no public API to sign one); keys and
 * signatures come from the JDK's own providers, so no security provider is registered.
 */
public final class CertificateIssuer {
  private static final String SIGNATURE = "SHA256withECDSA";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** How far before its issuance a certificate's notBefore lies, for clocks that run behind. */
  static final Duration BACKDATE = Duration.ofMinutes(5);

  private CertificateIssuer() {}

  /** A new self-signed CA certificate named {@code CN=commonName}. */
  public static PemKeyPair newAuthority(String commonName, Instant now, Duration validity) {
    try {
      KeyPair keys = keyPair();
      X500Name name = new X500Name("CN=" + commonName);
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder cert =
          new JcaX509v3CertificateBuilder(
                  name,
                  serial(),
                  Date.from(now.minus(BACKDATE)),
                  Date.from(now.plus(validity)),
                  name,
                  keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  ext.createSubjectKeyIdentifier(keys.getPublic()));
      return new PemKeyPair(
          Pem.encode(sign(cert, keys)), Pem.encodePrivateKey(keys.getPrivate().getEncoded()));
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot issue a CA certificate: " + e.getMessage(), e);
    }
  }

  /**
   * A serving certificate signed by {@code ca} for {@code hosts} (DNS names and IP addresses), the
   * first of which is also its common name. It never outlives {@code ca}: its notAfter is {@code
   * now + validity} or the CA's notAfter, whichever comes first.
   */
  public static PemKeyPair issueServing(
      PemKeyPair ca, List<String> hosts, Instant now, Duration validity) {
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("a serving certificate needs at least one host name");
    }
    try {
      X509Certificate caCert = ca.certificate();
      KeyPair keys = keyPair();
      List<GeneralName> names = new ArrayList<>();
      for (String h : hosts) {
        names.add(new GeneralName(isIpAddress(h) ? GeneralName.iPAddress : GeneralName.dNSName, h));
      }
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      Instant notAfter = now.plus(validity);
      if (notAfter.isAfter(caCert.getNotAfter().toInstant())) {
        notAfter = caCert.getNotAfter().toInstant();
      }
      X509v3CertificateBuilder cert =
          new JcaX509v3CertificateBuilder(
                  caCert,
                  serial(),
                  Date.from(now.minus(BACKDATE)),
                  Date.from(notAfter),
                  new X500Name("CN=" + hosts.getFirst()),
                  keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
              .addExtension(
                  Extension.subjectAlternativeName,
                  false,
                  new GeneralNames(names.toArray(GeneralName[]::new)))
              .addExtension(
                  Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  ext.createSubjectKeyIdentifier(keys.getPublic()));
      X509Certificate signed = sign(cert, new KeyPair(caCert.getPublicKey(), ca.privateKey()));
      return new PemKeyPair(
          Pem.encode(signed), Pem.encodePrivateKey(keys.getPrivate().getEncoded()));
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException(
          "cannot issue a serving certificate for " + hosts + ": " + e.getMessage(), e);
    }
  }

  static boolean isIpAddress(String host) {
    return host.matches("^[0-9.]+$") || host.contains(":");
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder cert, KeyPair signer)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              cert.build(new JcaContentSignerBuilder(SIGNATURE).build(signer.getPrivate())));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e.getMessage(), e);
    }
  }

  /** PEM encoding of certificates and PKCS#8 keys. */
  static final class Pem {
    private Pem() {}

    static String encode(X509Certificate cert) throws GeneralSecurityException {
      return write("CERTIFICATE", cert.getEncoded());
    }

    static String encodePrivateKey(byte[] pkcs8) {
      return write("PRIVATE KEY", pkcs8);
    }

    private static String write(String type, byte[] der) {
      StringWriter out = new StringWriter();
      try (PemWriter w = new PemWriter(out)) {
        w.writeObject(new PemObject(type, der));
      } catch (IOException e) {
        throw new UncheckedIOException(e); // a StringWriter does not fail
      }
      return out.toString();
    }
  }
}
