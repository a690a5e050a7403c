from . import gs1_label
