package dev.inceptionclassifier.model.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs every branch on the same input and concatenates the results along the channel axis, in branch order: the
 * {@code torch.cat(..., 1)} that ends every Mixed/Inception/Reduction module.
 */
final class ChannelConcat extends AbstractBlock {

    private final List<Block> branches = new ArrayList<>();

    ChannelConcat(Block... branches) {
        for (int i = 0; i < branches.length; i++) {
            this.branches.add(addChildBlock("branch" + i, branches[i]));
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList outs = new NDList(branches.size());
        for (Block branch : branches) {
            outs.add(branch.forward(ps, inputs, training, params).singletonOrThrow());
        }
        NDArray cat = NDArrays.concat(outs, 1);
        // the branch outputs are only inputs to the concat; free them now rather than at the end of the batch
        NDArray input = inputs.singletonOrThrow();
        for (NDArray out : outs) {
            if (out != input) {
                out.close();
            }
        }
        return new NDList(cat);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        // [N, C, H, W] inside the network, [N, C] in a head (logits next to an embedding)
        long channels = 0;
        Shape first = null;
        for (Block branch : branches) {
            Shape s = branch.getOutputShapes(inputShapes)[0];
            if (first == null) {
                first = s;
            } else if (!sameExceptChannels(first, s)) {
                throw new IllegalStateException("branch shapes differ: " + first + " vs " + s);
            }
            channels += s.get(1);
        }
        long[] out = first.getShape();
        out[1] = channels;
        return new Shape[] {new Shape(out)};
    }

    private static boolean sameExceptChannels(Shape a, Shape b) {
        if (a.dimension() != b.dimension()) {
            return false;
        }
        for (int i = 0; i < a.dimension(); i++) {
            if (i != 1 && a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Block branch : branches) {
            branch.initialize(manager, dataType, inputShapes);
        }
    }
}
