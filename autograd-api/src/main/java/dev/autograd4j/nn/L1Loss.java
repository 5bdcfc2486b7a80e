package dev.autograd4j.nn;

import dev.autograd4j.Functional;
import dev.autograd4j.Reduction;
import dev.autograd4j.Tensor;

/** {@link Functional#l1Loss}: absolute error, input and target of the same shape. */
public class L1Loss extends Loss {
    public L1Loss() {
        this(Reduction.MEAN);
    }

    public L1Loss(Reduction reduction) {
        super(reduction);
    }

    @Override
    public Tensor forward(Tensor input, Tensor target) {
        return Functional.l1Loss(input, target, reduction);
    }
}
