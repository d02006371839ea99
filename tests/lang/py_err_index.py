scores = [90, 85]
print(scores[1])
print(scores[2])
