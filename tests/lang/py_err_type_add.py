print("start")
value = 3 + "4"
