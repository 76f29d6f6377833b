package dev.sekisho.operator.scanapi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** TLS for the scan API: from a mounted Secret's PEM files, or a self-signed certificate. */
public final class TlsContexts {
  private static final char[] PASSWORD = "sekisho".toCharArray();

  private TlsContexts() {}

  /**
   * An SSLContext serving {@code tls.crt} (PEM chain) with {@code tls.key} (PEM, PKCS#8 "PRIVATE
   * KEY", RSA or EC) from {@code dir}, the layout of a {@code kubernetes.io/tls} Secret.
   */
  public static SSLContext fromPemDir(Path dir) throws IOException, GeneralSecurityException {
    Path crt = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    List<Certificate> chain = new ArrayList<>();
    try (InputStream in = Files.newInputStream(crt)) {
      chain.addAll(CertificateFactory.getInstance("X.509").generateCertificates(in));
    }
    if (chain.isEmpty()) {
      throw new GeneralSecurityException(crt + " holds no certificate");
    }
    String pem = Files.readString(key);
    if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
      throw new GeneralSecurityException(
          key
              + " must be a PKCS#8 PEM key (BEGIN PRIVATE KEY); convert it with"
              + " 'openssl pkcs8 -topk8 -nocrypt'");
    }
    byte[] der =
        Base64.getMimeDecoder()
            .decode(
                pem.substring(
                    pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27,
                    pem.indexOf("-----END PRIVATE KEY-----")));
    String algorithm =
        chain.getFirst().getPublicKey().getAlgorithm(); // the key matches the leaf certificate
    PrivateKey privateKey =
        KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("tls", privateKey, PASSWORD, chain.toArray(Certificate[]::new));
    return context(store);
  }

  /**
   * A self-signed certificate for {@code hosts} made with the JDK's keytool (the JDK has no public
   * API to sign a certificate; keytool ships with every JDK runtime, so no extra library is
   * needed).
   */
  public static SSLContext selfSigned(List<String> hosts, Path workDir)
      throws IOException, GeneralSecurityException {
    Path file = workDir.resolve("scan-api-" + ProcessHandle.current().pid() + ".p12");
    Files.deleteIfExists(file);
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    List<String> san = new ArrayList<>();
    for (String h : hosts) {
      san.add((h.matches("^[0-9.]+$") ? "ip:" : "dns:") + h);
    }
    Process p =
        new ProcessBuilder(
                keytool,
                "-genkeypair",
                "-alias",
                "tls",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "825",
                "-dname",
                "CN=" + hosts.getFirst(),
                "-ext",
                "san=" + String.join(",", san),
                "-storetype",
                "PKCS12",
                "-keystore",
                file.toString(),
                "-storepass",
                new String(PASSWORD),
                "-keypass",
                new String(PASSWORD))
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes());
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new GeneralSecurityException("keytool could not generate a certificate: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while generating a certificate", e);
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, PASSWORD);
    } finally {
      Files.deleteIfExists(file);
    }
    return context(store);
  }

  private static SSLContext context(KeyStore store) throws GeneralSecurityException {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, PASSWORD);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }
}
