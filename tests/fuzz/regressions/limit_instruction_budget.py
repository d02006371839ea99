while True:
    try:
        pass
    except:
        pass
