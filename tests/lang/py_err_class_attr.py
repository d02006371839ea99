class Model:
    def __init__(self):
        self.w = 1
m = Model()
print(m.w)
print(m.b)
