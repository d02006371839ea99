# Charts, progress bars and sliders are events for the page: the CLI prints only the text.
import torch
import plot
import matplotlib.pyplot as plt
import seaborn as sns
from tqdm import tqdm

torch.manual_seed(0)
w = torch.tensor([0.0], requires_grad=True)
lr = slider("lr", 0.1, 0.01, 1.0)
print("lr =", lr)
losses = []
for epoch in tqdm(range(20), desc="training"):
    loss = ((w - 3.0) ** 2).sum()
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
        w.grad.zero_()
    losses.append(loss.item())
    plot.live("loss", loss.item())
    if epoch % 5 == 0:
        print(f"epoch {epoch}: loss {loss.item():.4f}")
print("w =", round(w.item(), 4))

plot.line(losses, title="loss", xlabel="epoch")
plot.heatmap([[1, 0], [0, 1]], rows=["a", "b"], cols=["a", "b"])
emb = torch.tensor([[1.0, 0.0, 2.0], [0.0, 1.0, 0.5], [1.0, 1.0, 1.0]])
plot.embeddings(emb, labels=["x", "y", "z"])
plot.live_embeddings("emb", emb[:, :2], labels=["x", "y", "z"])

plt.plot(losses, label="loss")
plt.title("training")
plt.legend()
plt.show()
plt.scatter(emb[:, 0], emb[:, 1])
for i, name in enumerate(["x", "y", "z"]):
    plt.text(emb[i, 0], emb[i, 1], name)
sns.heatmap([[0.5, 0.25], [0.25, 0.5]], annot=True)
print("charts sent:", len(losses))
with tqdm(total=3) as bar:
    for i in range(3):
        bar.update(1)
print("done")
