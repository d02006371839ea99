name = "epoch "
print(name + 3)
