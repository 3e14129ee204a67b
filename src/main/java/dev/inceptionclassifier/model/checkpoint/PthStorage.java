package dev.inceptionclassifier.model.checkpoint;

/**
 * A storage that pickled tensors point into: a flat run of {@code numel} elements of one dtype, possibly a view (an
 * element offset) into a larger root storage of the legacy format. Nothing is read when a storage is created; the
 * bytes stay in the file until a tensor is materialised.
 *
 * @param root the storage as the file holds it
 * @param elementOffset where this view starts in the root, in elements
 * @param numel how many elements this view spans
 */
record PthStorage(Root root, long elementOffset, long numel) {

    PthDtype dtype() {
        return root.dtype;
    }

    /** Absolute file offset of element {@code index} of this view (its data must already be located). */
    long bytePosition(long index) {
        return root.dataOffset + (elementOffset + index) * root.dtype.size;
    }

    /**
     * A storage as the file holds it: a zip entry {@code data/<key>}, or one of the legacy format's storages laid end
     * to end after the pickles. The legacy format says where the data is only after the pickle that refers to it,
     * hence the late {@link #locate}.
     */
    static final class Root {

        final String key;
        final PthDtype dtype;
        final long numel;
        private long dataOffset = -1;
        /** The zip entry's CRC-32, or null where the format has none (legacy) or the writer left it out (0). */
        final Integer crc;

        private boolean crcChecked;

        Root(String key, PthDtype dtype, long numel, Integer crc) {
            this.key = key;
            this.dtype = dtype;
            this.numel = numel;
            this.crc = crc;
        }

        void locate(long offset) {
            this.dataOffset = offset;
        }

        boolean isLocated() {
            return dataOffset >= 0;
        }

        long dataOffset() {
            return dataOffset;
        }

        long byteLength() {
            return numel * dtype.size;
        }

        /** True the first time only: each storage's checksum is verified once, however many tensors share it. */
        boolean claimCrcCheck() {
            if (crc == null || crcChecked) {
                return false;
            }
            crcChecked = true;
            return true;
        }
    }
}
