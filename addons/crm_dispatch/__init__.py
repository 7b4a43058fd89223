"Appeals CRM core: housing stock, applicants, appeals and their life cycle."
