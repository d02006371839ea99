def score(item, weight=1):
    return item * weight
score(1, bias=2)
