-- expect: validation line 4
-- problem: economics: a script declares its economics once; they are already declared on line 3
economics { margin = 0.3 }
economics { margin = 0.4 }
