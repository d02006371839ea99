for i in range(100000):
    print("0123456789" * 10)
