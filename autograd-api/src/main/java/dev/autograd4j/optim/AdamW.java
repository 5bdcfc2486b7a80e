package dev.autograd4j.optim;

import dev.autograd4j.Tensor;

/**
 * Adam with decoupled weight decay, following the {@code torch.optim.AdamW} documentation: first
 * {@code p = p - lr * weightDecay * p}, then the {@link Adam} update with the plain gradient.
 * The default weight decay is 0.01, as in PyTorch.
 */
public class AdamW extends Adam {
    /**
     * AdamW with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01, no amsgrad.
     *
     * @param parameters the tensors to optimize: floating-point leaves, each once, at least one requiring
     *        grad (e.g. {@code module.parameters()})
     * @param lr the learning rate (PyTorch's default is 1e-3)
     * @throws IllegalArgumentException if the parameters or {@code lr} are invalid (see {@link Optimizer})
     */
    public AdamW(Iterable<Tensor> parameters, double lr) {
        this(parameters, lr, 0.9, 0.999, 1e-8, 0.01, false);
    }

    /**
     * AdamW with every option, like {@code torch.optim.AdamW(params, lr, betas, eps, weight_decay, amsgrad)}.
     *
     * @param parameters the tensors to optimize: floating-point leaves, each once, at least one requiring
     *        grad (e.g. {@code module.parameters()})
     * @param lr the learning rate
     * @param beta1 decay of the first-moment average, in [0, 1)
     * @param beta2 decay of the second-moment average, in [0, 1)
     * @param eps added to the denominator, non-negative
     * @param weightDecay decoupled weight decay, non-negative: each step scales {@code p} by
     *        {@code 1 - lr * weightDecay}
     * @param amsgrad whether to use the maximum of past second moments
     * @throws IllegalArgumentException if an argument is invalid
     */
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
