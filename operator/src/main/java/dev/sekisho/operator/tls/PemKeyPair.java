package dev.sekisho.operator.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * A certificate chain and its private key in PEM, as a {@code kubernetes.io/tls} Secret holds them
 * ({@code tls.crt}, {@code tls.key}). The key may be PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}, cert-manager's default encoding) or SEC1 ({@code BEGIN EC PRIVATE
 * KEY}).
 *
 * @param certificatePem the leaf certificate first, then any intermediates
 * @param privateKeyPem the leaf's private key
 */
public record PemKeyPair(String certificatePem, String privateKeyPem) {

  /** The certificates, leaf first; fails when there is none. */
  public List<X509Certificate> chain() throws GeneralSecurityException {
    List<X509Certificate> chain = certificates(certificatePem);
    if (chain.isEmpty()) {
      throw new GeneralSecurityException("no PEM certificate");
    }
    return chain;
  }

  /** The leaf certificate. */
  public X509Certificate certificate() throws GeneralSecurityException {
    return chain().getFirst();
  }

  /** The private key. */
  public PrivateKey privateKey() throws GeneralSecurityException {
    try (PEMParser parser = new PEMParser(new StringReader(privateKeyPem))) {
      Object o = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      return switch (o) {
        case PrivateKeyInfo info -> converter.getPrivateKey(info);
        case PEMKeyPair pair -> converter.getPrivateKey(pair.getPrivateKeyInfo());
        case null -> throw new GeneralSecurityException("no PEM private key");
        default ->
            throw new GeneralSecurityException(
                "not an unencrypted private key (PKCS#8, PKCS#1 or SEC1 PEM): "
                    + o.getClass().getSimpleName());
      };
    } catch (IOException e) {
      throw new GeneralSecurityException("cannot read the PEM private key: " + e.getMessage(), e);
    }
  }

  /** Every certificate in a PEM bundle (empty when there is none). */
  public static List<X509Certificate> certificates(String pem) throws GeneralSecurityException {
    if (pem == null || pem.isBlank()) {
      return List.of();
    }
    return CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
        .stream()
        .map(X509Certificate.class::cast)
        .toList();
  }
}
