package dev.inceptionclassifier.model.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.inceptionclassifier.model.graph.Node;

/**
 * A {@link Node.Linear}: the input flattened to {@code [N, in]}, {@code linear}, then its BatchNorm1d where the
 * description has one (folded into the weights when BN folding is on).
 */
final class LinearLayer extends AbstractBlock {

    private final Linear linear;
    private final BatchNorm bn;

    LinearLayer(KeyedParameters keys, Node.Linear l) {
        boolean fold = keys.bnFolded() && l.bn() != null;
        boolean bias = l.bias() || fold;
        linear = addChildBlock(
                "linear", Linear.builder().setUnits(l.out()).optBias(bias).build());
        keys.bind(l.name() + ".weight", linear.getDirectParameters().get("weight"), l.out(), l.in());
        if (bias) {
            keys.bind(l.name() + ".bias", linear.getDirectParameters().get("bias"), l.out());
        }
        if (l.bn() == null || fold) {
            bn = null;
        } else {
            String n = l.bn().name();
            bn = addChildBlock(
                    "bn", BatchNorm.builder().optEpsilon((float) l.bn().eps()).build());
            keys.bind(n + ".weight", bn.getDirectParameters().get("gamma"), l.out());
            keys.bind(n + ".bias", bn.getDirectParameters().get("beta"), l.out());
            keys.bind(n + ".running_mean", bn.getDirectParameters().get("runningMean"), l.out());
            keys.bind(n + ".running_var", bn.getDirectParameters().get("runningVar"), l.out());
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray flat =
                x.getShape().dimension() == 2 ? x : x.reshape(x.getShape().get(0), -1);
        NDArray y = linear.forward(ps, new NDList(flat), training, params).singletonOrThrow();
        if (flat != x) {
            flat.close();
        }
        if (bn == null) {
            return new NDList(y);
        }
        NDArray normed = bn.forward(ps, new NDList(y), training, params).singletonOrThrow();
        y.close();
        return new NDList(normed);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return linear.getOutputShapes(new Shape[] {flat(inputShapes[0])});
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape flat = flat(inputShapes[0]);
        linear.initialize(manager, dataType, flat);
        if (bn != null) {
            bn.initialize(manager, dataType, linear.getOutputShapes(new Shape[] {flat}));
        }
    }

    private static Shape flat(Shape s) {
        return new Shape(s.get(0), s.size() / s.get(0));
    }
}
