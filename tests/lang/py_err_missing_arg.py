def score(item, weight):
    return item * weight
print(score(2, 3))
score(2)
