# Task 6 of the course notebook: a 2-4-4-1 network (sigmoid hidden layers, linear output)
# trained 1000 epochs to fit f(x) = x1 * x2 + 1 on five points to within 0.1.
# Expected output: /usr/bin/python3 tests/lang/nn_task6.py > tests/lang/nn_task6.out
import torch
import torch.nn as nn
import torch.optim as optim


class Task6Net(nn.Module):
    def __init__(self, seed):
        super().__init__()
        self.seed = torch.manual_seed(seed)
        self.hidden1 = nn.Linear(2, 4)
        self.hidden2 = nn.Linear(4, 4)
        self.output = nn.Linear(4, 1)

    def forward(self, x):
        x = torch.sigmoid(self.hidden1(x))
        x = torch.sigmoid(self.hidden2(x))
        return self.output(x)


def f(x):
    return x[0] * x[1] + 1


D = torch.tensor([[1.0, 1.0], [0.0, 0.0], [2.0, -1.0], [-1.0, 0.5], [-0.5, -2.0]])
y = torch.tensor([[f(x)] for x in D.tolist()])

net = Task6Net(seed=6789)
print(net)
optimizer = optim.Adam(net.parameters(), lr=0.05)
loss_fn = nn.MSELoss()

losses = []
n_epochs = 1000
for epoch in range(n_epochs):
    optimizer.zero_grad()
    loss = loss_fn(net(D), y)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
    if epoch % 100 == 0:
        print(epoch, round(loss.item(), 6))
print("final loss", loss)

print("All weights")
for name, param in net.named_parameters():
    print(name)
    print(param)
print("w_{1,2}^{(1)} =", net.hidden1.weight[0, 1])
print("w_{1,3}^{(3)} =", net.output.weight[0, 2])

print("Values on the training points")
with torch.no_grad():
    for x in D:
        value = net(x).item()
        target = f(x.tolist())
        print(x.tolist(), round(value, 4), target, abs(value - target) < 0.1)
    for x in [[2.0, 2.0], [-1.0, -1.0], [3.0, -3.0]]:
        value = net(torch.tensor(x)).item()
        print(x, round(value, 4), f(x), round(abs(value - f(x)), 4))
