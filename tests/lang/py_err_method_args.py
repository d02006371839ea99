class Net:
    def forward(self, x):
        return x
Net().forward(1, 2)
