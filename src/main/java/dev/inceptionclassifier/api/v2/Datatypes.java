package dev.inceptionclassifier.api.v2;

/** The tensor datatypes this server reads and writes, as the protocol spells them. */
public final class Datatypes {

    /** Variable-length byte strings: encoded images in, classification strings out. */
    public static final String BYTES = "BYTES";
    /** IEEE 754 float32: preprocessed pixels in, probabilities out. */
    public static final String FP32 = "FP32";

    private Datatypes() {}
}
