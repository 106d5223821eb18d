module gsched/calibrate

go 1.19
