"""The goals every benchmark figure is checked against, in one place (2 CPU cores)."""

GOALS = {
    "chapter_s": 60.0,        # each chapter top to bottom, with either data set
    "book_s": 480.0,          # jupyter-book build of a fresh copy, empty cache
    "throughput_ratio": 3.0,  # the book's loop over the tutorials' DataLoader loop, images/s
    "loss_tolerance": 0.01,   # "at equal loss": test losses within 1% of each other
    # The book's loop's linear-layer multiply-adds per second over a 2048^2 fp32 matmul's (#21)
    "peak_share": 0.60,
    "widget_ms": 30.0,        # one live slider update, model + redraw (median)
    # Chapter 1: linear AE test error / PCA test error. PCA is the floor (Eckart-Young), so the
    # limit is 1.00; the chapter claims (and asserts) the linear AE gets within 1% of it.
    "pca_ratio_limit": 1.00,
    "pca_ratio": 1.01,
}
