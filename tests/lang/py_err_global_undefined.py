def f():
    global later
    return later
f()
