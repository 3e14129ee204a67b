package dev.inceptionclassifier.model.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * timm's {@code ConvNormAct}: Conv2d without bias, BatchNorm (eps 1e-3) and ReLU. With BN folding it is a Conv2d
 * with bias and ReLU, named {@code <prefix>.conv.weight/bias}, whose values are folded in at load time.
 */
final class ConvNormAct extends AbstractBlock {

    /** timm's BatchNormAct2d eps for both architectures (not PyTorch's 1e-5). */
    static final double BN_EPS = 1e-3;

    private final Conv2d conv;
    private final BatchNorm bn;

    ConvNormAct(KeyedParameters keys, String prefix, int in, int out, int kh, int kw, int stride, int padH,
            int padW) {
        boolean folded = keys.bnFolded();
        conv = addChildBlock("conv", Conv2d.builder()
                .setKernelShape(new Shape(kh, kw))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(padH, padW))
                .setFilters(out)
                .optBias(folded)
                .build());
        long[] weightShape = {out, in, kh, kw};
        keys.stateEntry(prefix + ".conv.weight", weightShape);
        for (String stat : new String[] {"weight", "bias", "running_mean", "running_var"}) {
            keys.stateEntry(prefix + ".bn." + stat, out);
        }
        keys.bind(prefix + ".conv.weight", conv.getDirectParameters().get("weight"), weightShape);
        if (folded) {
            bn = null;
            keys.bind(prefix + ".conv.bias", conv.getDirectParameters().get("bias"), out);
            keys.foldedConv(prefix);
        } else {
            bn = addChildBlock("bn", BatchNorm.builder().optEpsilon((float) BN_EPS).build());
            keys.bind(prefix + ".bn.weight", bn.getDirectParameters().get("gamma"), out);
            keys.bind(prefix + ".bn.bias", bn.getDirectParameters().get("beta"), out);
            keys.bind(prefix + ".bn.running_mean", bn.getDirectParameters().get("runningMean"), out);
            keys.bind(prefix + ".bn.running_var", bn.getDirectParameters().get("runningVar"), out);
        }
    }

    /** A square kernel with symmetric padding. */
    static ConvNormAct square(KeyedParameters keys, String prefix, int in, int out, int k, int stride, int pad) {
        return new ConvNormAct(keys, prefix, in, out, k, k, stride, pad, pad);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = conv.forward(ps, inputs, training, params).singletonOrThrow();
        if (bn != null) {
            NDArray normed = bn.forward(ps, new NDList(x), training, params).singletonOrThrow();
            x.close(); // temporaries are freed at once: a batch otherwise holds every activation of the network
            x = normed;
        }
        NDArray y = Activation.relu(x);
        x.close();
        return new NDList(y);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return conv.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        conv.initialize(manager, dataType, inputShapes);
        if (bn != null) {
            bn.initialize(manager, dataType, conv.getOutputShapes(inputShapes));
        }
    }
}
