package io.keyless.keys;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;

/** The elliptic curves keys may be on. */
public enum EcCurve {
    P256("P-256", "secp256r1", SECObjectIdentifiers.secp256r1),
    P384("P-384", "secp384r1", SECObjectIdentifiers.secp384r1),
    P521("P-521", "secp521r1", SECObjectIdentifiers.secp521r1);

    private final String displayName;
    private final String jcaName;
    private final ASN1ObjectIdentifier oid;
    private final X9ECParameters parameters;
    private final ECParameterSpec spec;

    EcCurve(String displayName, String jcaName, ASN1ObjectIdentifier oid) {
        this.displayName = displayName;
        this.jcaName = jcaName;
        this.oid = oid;
        this.parameters = ECNamedCurveTable.getByOID(oid);
        try {
            AlgorithmParameters jca = AlgorithmParameters.getInstance("EC");
            jca.init(new ECGenParameterSpec(jcaName));
            this.spec = jca.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Returns the curve with this object identifier, or {@code null} if it is not one served. */
    public static EcCurve forOid(ASN1ObjectIdentifier oid) {
        for (EcCurve curve : values()) {
            if (curve.oid.equals(oid)) {
                return curve;
            }
        }
        return null;
    }

    /** Returns the named curve that explicit parameters describe, or {@code null} if none matches. */
    public static EcCurve forParameters(X9ECParameters explicit) {
        for (EcCurve curve : values()) {
            if (curve.parameters.getCurve().equals(explicit.getCurve())
                    && curve.parameters.getG().equals(explicit.getG())
                    && curve.parameters.getN().equals(explicit.getN())) {
                return curve;
            }
        }
        return null;
    }

    /** The NIST name, as operators know it: P-256. */
    public String displayName() {
        return displayName;
    }

    /** The name the JDK's providers use: secp256r1. */
    public String jcaName() {
        return jcaName;
    }

    /** Size of the field in bits. */
    public int fieldSize() {
        return parameters.getCurve().getFieldSize();
    }

    /** The curve for BouncyCastle's point arithmetic. */
    X9ECParameters parameters() {
        return parameters;
    }

    /** The curve for JCA key specifications. */
    ECParameterSpec spec() {
        return spec;
    }
}
