package dev.sekisho.testkit.registry;

import dev.sekisho.testkit.fixtures.ExternalTool;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away certificate authority and a server certificate it signed for {@code 127.0.0.1} (EC
 * P-256, valid for two days), made with the {@code openssl} command in a directory of the caller's,
 * for serving the test registry over TLS.
 *
 * @param caCertificate the CA's certificate (PEM): what a client must trust
 * @param serverCertificate the server's certificate (PEM), subject alternative name {@code IP:
 *     127.0.0.1}
 * @param serverKey the server's private key (PEM, unencrypted)
 */
public record TestCertificates(Path caCertificate, Path serverCertificate, Path serverKey) {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /**
   * Generates a new CA and server certificate in {@code dir}.
   *
   * @throws IllegalStateException when {@code openssl} is missing or fails
   */
  public static TestCertificates generate(Path dir) {
    ExternalTool openssl =
        ExternalTool.require("openssl", "run hack/setup.sh to install the test tools (openssl)");
    try {
      Files.createDirectories(dir);
      Files.writeString(
          dir.resolve("server.ext"),
          "basicConstraints=CA:FALSE\n"
              + "keyUsage=critical,digitalSignature\n"
              + "extendedKeyUsage=serverAuth\n"
              + "subjectAltName=IP:127.0.0.1\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write into " + dir, e);
    }
    String curve = "ec_paramgen_curve:prime256v1";
    openssl.run(
        dir,
        TIMEOUT,
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        curve,
        "-nodes",
        "-days",
        "2",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-subj",
        "/CN=Sekisho test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign");
    openssl.run(
        dir,
        TIMEOUT,
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        curve,
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1");
    openssl.run(
        dir,
        TIMEOUT,
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "server.ext",
        "-out",
        "server.pem");
    return new TestCertificates(
        dir.resolve("ca.pem"), dir.resolve("server.pem"), dir.resolve("server.key"));
  }

  /** A TLS context that trusts this CA only (for the harness's own requests). */
  public SSLContext trustingCa() {
    try {
      return trusting(Files.readString(caCertificate));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + caCertificate, e);
    }
  }

  /** A TLS context that trusts exactly the certificates of a PEM text (one or more). */
  public static SSLContext trusting(String pem) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int n = 0;
      for (Certificate c :
          CertificateFactory.getInstance("X.509")
              .generateCertificates(
                  new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
        store.setCertificateEntry("ca-" + n++, c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot trust the given certificates", e);
    }
  }

  /**
   * A TLS context that serves the server certificate (for test servers in the JVM, such as a JDK
   * {@code HttpsServer}). The key is the PKCS#8 PEM that {@code openssl req -newkey} writes.
   */
  public SSLContext serving() {
    try (InputStream in = Files.newInputStream(serverCertificate)) {
      String pem = Files.readString(serverKey);
      String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
      PrivateKey key =
          KeyFactory.getInstance("EC")
              .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
      Certificate[] chain =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(in)
              .toArray(Certificate[]::new);
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] password = "test".toCharArray();
      store.setKeyEntry("server", key, password, chain);
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + serverCertificate + " or " + serverKey, e);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("cannot load " + serverKey + " as a PKCS#8 EC key", e);
    }
  }
}
