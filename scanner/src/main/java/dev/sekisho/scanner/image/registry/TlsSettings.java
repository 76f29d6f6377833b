package dev.sekisho.scanner.image.registry;

import dev.sekisho.scanner.image.oci.ImageAccessException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** Builds the TLS context for registry connections: the JDK's CAs plus extra PEM bundles. */
final class TlsSettings {
  private TlsSettings() {}

  /**
   * An SSL context trusting the JDK's default CAs and every certificate in the bundles.
   *
   * @throws ImageAccessException naming a bundle that cannot be read or holds no certificate
   */
  static SSLContext context(List<Path> caBundles) throws ImageAccessException {
    try {
      if (caBundles.isEmpty()) {
        return SSLContext.getDefault();
      }
      KeyStore extra = KeyStore.getInstance(KeyStore.getDefaultType());
      extra.load(null, null);
      int n = 0;
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Path bundle : caBundles) {
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(bundle)) {
          certs = factory.generateCertificates(in);
        } catch (IOException | CertificateException e) {
          throw new ImageAccessException(
              ImageAccessException.Reason.INVALID,
              "cannot read the CA bundle " + bundle + ": " + e.getMessage(),
              e);
        }
        if (certs.isEmpty()) {
          throw new ImageAccessException(
              ImageAccessException.Reason.INVALID,
              "the CA bundle " + bundle + " holds no PEM certificate");
        }
        for (Certificate c : certs) {
          extra.setCertificateEntry("extra-" + n++, c);
        }
      }
      X509TrustManager defaults = trustManager(null);
      X509TrustManager custom = trustManager(extra);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new EitherTrustManager(defaults, custom)}, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      if (e instanceof ImageAccessException iae) {
        throw iae;
      }
      throw new ImageAccessException(
          ImageAccessException.Reason.INVALID, "cannot set up TLS: " + e.getMessage(), e);
    }
  }

  private static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
    TrustManagerFactory f =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    f.init(store);
    for (TrustManager tm : f.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X509TrustManager");
  }

  /** Trusts a chain that either the JDK's CAs or the extra CAs accept. */
  private record EitherTrustManager(X509TrustManager first, X509TrustManager second)
      implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      first.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      try {
        first.checkServerTrusted(chain, authType);
      } catch (CertificateException e) {
        second.checkServerTrusted(chain, authType);
      }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      List<X509Certificate> all = new ArrayList<>(List.of(first.getAcceptedIssuers()));
      all.addAll(List.of(second.getAcceptedIssuers()));
      return all.toArray(X509Certificate[]::new);
    }
  }
}
