package dev.autograd4j.optim;

import dev.autograd4j.Tensor;

/**
 * Adam with decoupled weight decay, following the {@code torch.optim.AdamW} documentation: first
 * {@code p = p - lr * weightDecay * p}, then the {@link Adam} update with the plain gradient.
 * The default weight decay is 0.01, as in PyTorch.
 */
public class AdamW extends Adam {
    public AdamW(Iterable<Tensor> parameters, double lr) {
        this(parameters, lr, 0.9, 0.999, 1e-8, 0.01, false);
    }

    public AdamW(Iterable<Tensor> parameters, double lr, double beta1, double beta2, double eps, double weightDecay,
                 boolean amsgrad) {
        super(parameters, lr, beta1, beta2, eps, weightDecay, amsgrad);
    }

    @Override
    Tensor decay(Tensor p, Tensor grad) {
        if (weightDecay != 0) {
            p.mul_(1 - lr() * weightDecay);
        }
        return grad;
    }
}
